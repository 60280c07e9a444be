gazette_unit(test_pdf)
gazette_unit(test_cms)
gazette_script(test_sign)
gazette_script(test_pki)
