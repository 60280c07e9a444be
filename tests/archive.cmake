gazette_unit(test_tlog)
gazette_unit(test_search)
