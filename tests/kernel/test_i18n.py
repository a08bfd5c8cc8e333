"""Messages kept as JSON (jobs, problems raised in SQL) read back in one place."""


def test_a_stored_message_reads_back_and_other_text_does_not():
    from csperf.kernel.i18n import stored_message

    m = stored_message('{"msgid": "%(n)s rows", "params": {"n": 3}}')
    assert m == "3 rows" and m.msgid == "%(n)s rows" and m.params == {"n": 3}
    assert stored_message("plain text") is None
    assert stored_message('{"msgid": "cut') is None
    assert stored_message('{"msgid_other": 1}') is None
