from llmplan.cli.main import main

main()
