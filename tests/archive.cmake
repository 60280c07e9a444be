gazette_unit(test_tlog)
