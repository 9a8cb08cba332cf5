# Prints the package flags of the main Makefile for tests/fuzz/run.sh.
include Makefile
cflags:
	@echo $(PKG_CFLAGS)
libs:
	@echo $(PKG_LIBS)
