// MMU
