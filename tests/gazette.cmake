# gazette/ module tests (included from tests/CMakeLists.txt).
gazette_unit(test_check)
# the libraries loaded on first use (gazette/dl)
gazette_unit(test_dl)
gazette_script(test_check_cli)
# line breaking, layout, compile
gazette_unit(test_linebreak)
gazette_unit(test_layout)
# --- pdfout: the PDF writer (gaz_render_pdf) ---
gazette_unit(test_pdfout)
gazette_script(test_pdfout_tools)
gazette_script(test_compile)
