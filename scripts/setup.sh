#!/bin/sh
# Install what escalator needs to build and test, from Debian's packages.
# Run as root (or through sudo) on Debian 12 or later.
set -e
SUDO=
[ "$(id -u)" -eq 0 ] || SUDO=sudo
export DEBIAN_FRONTEND=noninteractive
PACKAGES="build-essential autoconf automake pkg-config
	libconfig-dev libjson-c-dev libsqlite3-dev libssl-dev libcmocka-dev
	sqlite3 valgrind clang libncurses-dev tmux
	libssh-dev libcurl4-openssl-dev libmicrohttpd-dev
	openssh-server openssh-client haproxy curl openssl"
# shellcheck disable=SC2086
if ! dpkg -s $PACKAGES >/dev/null 2>&1; then
	$SUDO apt-get update -q
	$SUDO apt-get install -y -q --no-install-recommends $PACKAGES
fi
