"""邻里 Linli — participatory community planning platform."""
