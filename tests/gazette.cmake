# gazette/ module tests (included from tests/CMakeLists.txt).
gazette_unit(test_check)
gazette_script(test_check_cli)
