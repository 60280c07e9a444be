gazette_unit(test_pdf)
