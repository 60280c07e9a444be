# gazette/: line breaking, layout, compile.
gazette_unit(test_linebreak)
gazette_unit(test_layout)
