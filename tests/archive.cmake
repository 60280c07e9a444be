gazette_unit(test_tlog)
gazette_unit(test_search)
gazette_script(test_archive)
gazette_script(test_archive_crash)
