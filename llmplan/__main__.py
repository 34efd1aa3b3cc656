from llmplan.cli.main import entry

entry()
