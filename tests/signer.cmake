gazette_unit(test_pdf)
target_link_libraries(test_pdf PRIVATE ZLIB::ZLIB) # builds its compressed fixtures with zlib itself
gazette_unit(test_cms)
gazette_script(test_sign)
gazette_script(test_pki)
gazette_script(test_verify)
gazette_unit(test_vtrust)
gazette_unit(test_crypto_cli)
