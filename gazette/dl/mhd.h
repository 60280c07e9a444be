/* libmicrohttpd, the HTTP server: serve and tsa.
 * Loaded on first use: see gazette/dl/dl.h.  Include this
 * instead of <microhttpd.h>; call gaz_dl_mhd() before the first call. */
#ifndef GAZETTE_DL_MHD_H
#define GAZETTE_DL_MHD_H

#include <microhttpd.h>

#include "gazette/dl/dl.h"

#define GAZ_DL_MHD_SONAME "libmicrohttpd.so.12"
#define GAZ_DL_MHD_PACKAGE "libmicrohttpd12"

#define GAZ_DL_MHD_FUNCS(X) \
	X(MHD_add_response_header) \
	X(MHD_create_post_processor) \
	X(MHD_create_response_from_buffer) \
	X(MHD_create_response_from_buffer_with_free_callback_cls) \
	X(MHD_create_response_from_callback) \
	X(MHD_destroy_post_processor) \
	X(MHD_destroy_response) \
	X(MHD_get_connection_info) \
	X(MHD_get_connection_values) \
	X(MHD_get_daemon_info) \
	X(MHD_lookup_connection_value) \
	X(MHD_post_process) \
	X(MHD_queue_response) \
	X(MHD_start_daemon) \
	X(MHD_stop_daemon)

GAZ_DL_DECLARE(mhd, GAZ_DL_MHD_FUNCS);

#ifndef GAZ_DL_TABLES
#define MHD_add_response_header (*gaz_dl_mhd_fn.MHD_add_response_header)
#define MHD_create_post_processor (*gaz_dl_mhd_fn.MHD_create_post_processor)
#define MHD_create_response_from_buffer (*gaz_dl_mhd_fn.MHD_create_response_from_buffer)
#define MHD_create_response_from_buffer_with_free_callback_cls (*gaz_dl_mhd_fn.MHD_create_response_from_buffer_with_free_callback_cls)
#define MHD_create_response_from_callback (*gaz_dl_mhd_fn.MHD_create_response_from_callback)
#define MHD_destroy_post_processor (*gaz_dl_mhd_fn.MHD_destroy_post_processor)
#define MHD_destroy_response (*gaz_dl_mhd_fn.MHD_destroy_response)
#define MHD_get_connection_info (*gaz_dl_mhd_fn.MHD_get_connection_info)
#define MHD_get_connection_values (*gaz_dl_mhd_fn.MHD_get_connection_values)
#define MHD_get_daemon_info (*gaz_dl_mhd_fn.MHD_get_daemon_info)
#define MHD_lookup_connection_value (*gaz_dl_mhd_fn.MHD_lookup_connection_value)
#define MHD_post_process (*gaz_dl_mhd_fn.MHD_post_process)
#define MHD_queue_response (*gaz_dl_mhd_fn.MHD_queue_response)
#define MHD_start_daemon (*gaz_dl_mhd_fn.MHD_start_daemon)
#define MHD_stop_daemon (*gaz_dl_mhd_fn.MHD_stop_daemon)
#endif

#endif
