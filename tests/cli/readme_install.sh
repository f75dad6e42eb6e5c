# README, "Installing": make install into a staging directory. The test stages in
# its scratch directory instead of /tmp/ndinst and prints that path as /tmp/ndinst;
# pkg-config's trailing blank is dropped.
unset MAKELEVEL MAKEFLAGS MFLAGS
d=$PWD/ndinst
printf '$ %s\n' 'make -s install PREFIX=/usr DESTDIR=/tmp/ndinst'
(cd "$ROOT" && make -s install PREFIX=/usr DESTDIR="$d")
printf '$ %s\n' 'find /tmp/ndinst -type f -o -type l | sort'
find "$d" -type f -o -type l | sort | sed "s|^$d|/tmp/ndinst|"
printf '$ %s\n' 'PKG_CONFIG_PATH=/tmp/ndinst/usr/lib/pkgconfig pkg-config --cflags --libs neardup'
PKG_CONFIG_PATH=$d/usr/lib/pkgconfig pkg-config --cflags --libs neardup | sed 's/ *$//'
printf '$ %s\n' 'PKG_CONFIG_PATH=/tmp/ndinst/usr/lib/pkgconfig pkg-config --static --libs neardup'
PKG_CONFIG_PATH=$d/usr/lib/pkgconfig pkg-config --static --libs neardup | sed 's/ *$//'
