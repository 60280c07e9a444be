gazette_unit(test_cms)
