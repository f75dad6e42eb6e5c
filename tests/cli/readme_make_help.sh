# README, "Make targets": make help, run in the checkout (it only reads the Makefile).
unset MAKELEVEL MAKEFLAGS MFLAGS
printf '$ %s\n' 'make help'
cd "$ROOT" && make help
