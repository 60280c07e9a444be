# The public web service (archive/http_*.c): parser unit test, HTTP tests
# on a real server, static export under nginx, headless Chromium.
gazette_unit(test_http)
gazette_script(test_web_http)
gazette_script(test_web_static)
gazette_script(test_web_e2e)
set_tests_properties(test_web_e2e PROPERTIES TIMEOUT 600)
gazette_script(test_web_load)
