gazette_unit(test_tlog)
gazette_script(test_archive)
gazette_unit(test_search)
