"""The SSE reader: bytes as they arrive -> the data of each complete event."""

from llmplan.endpoint.sse import EventReader


def test_events_end_at_blank_lines():
    reader = EventReader()
    assert reader.feed(b"data: one\n\ndata: two\n\n") == ["one", "two"]


def test_an_event_split_across_chunks_waits_for_its_end():
    reader = EventReader()
    assert reader.feed(b'data: {"a"') == []
    assert reader.feed(b": 1}\n") == []
    assert reader.feed(b"\n") == ['{"a": 1}']


def test_crlf_and_cr_line_endings_are_lines_too():
    assert EventReader().feed(b"data: a\r\n\r\ndata: b\r\rdata: c\n\n") == ["a", "b", "c"]


def test_a_crlf_split_between_chunks_ends_one_line_only():
    reader = EventReader()
    assert reader.feed(b"data: a\r") == []
    assert reader.feed(b"\n\r\n") == ["a"]


def test_comments_and_other_fields_are_ignored():
    assert EventReader().feed(b": keep-alive\nevent: chunk\nid: 7\ndata: x\n\n") == ["x"]


def test_data_lines_of_one_event_are_joined_with_newlines():
    assert EventReader().feed(b"data: a\ndata:b\n\n") == ["a\nb"]


def test_close_returns_a_cut_last_line_as_the_broken_data_it_is():
    reader = EventReader()
    assert reader.feed(b'data: ok\n\ndata: {"cho') == ["ok"]
    assert reader.close() == ['{"cho']
    assert reader.close() == []
