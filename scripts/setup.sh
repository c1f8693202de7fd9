#!/usr/bin/env bash
# Installs, as root on Debian 12, the programs the tests and benchmarks run for real:
# m4 (config preprocessing), snmpd and the snmp tools, smilint, dockerd with a static busybox
# for test images, etcd, iproute2 for network namespaces, GNU time for peak-RSS figures,
# python3 to stand in for a syslog daemon (a unix datagram socket, which Node lacks), libfaketime
# to step a real stevedore's system clock; the NMS tools docs/nms/ is tested with: Nagios
# check_snmp, snmptt, Prometheus snmp_exporter and its generator (Debian 12 ships
# prometheus-snmp-generator inside prometheus-snmp-exporter); pysnmp (python3-pysnmp4) as an SNMP
# client independent of Net-SNMP; systemd for systemd-analyze, which verifies conf/stevedore.service
# (installing it starts nothing: the machine keeps its own init); promtool (in prometheus) to check
# /metrics; Chromium, headless, for the status page's browser test.
set -euo pipefail
if [ "$(id -u)" -ne 0 ]; then
  echo "setup: run as root (it installs Debian packages): sudo npm run setup" >&2
  exit 1
fi
packages=(m4 snmpd snmp snmptrapd smitools docker.io busybox-static etcd-server etcd-client iproute2 curl time python3 faketime
  monitoring-plugins-standard snmptt prometheus-snmp-exporter python3-pysnmp4 systemd prometheus chromium)
missing=()
for p in "${packages[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "setup: all test packages are installed"
  exit 0
fi
echo "setup: installing ${missing[*]}"
apt-get update -qq
# Debian's policy-rc.d keeps snmpd, docker and etcd from starting: the tests start private ones.
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
echo "setup: done"
