"""One SNMP request through pysnmp, an SNMP implementation independent of Net-SNMP and of ours.

argv[1] is a JSON request; prints the JSON answer.
  v1 / v2c: the PDU is built and the response decoded with pysnmp's protocol API and a plain
  UDP socket, so every varbind of the one response is seen as sent:
    {"version": "v1"|"v2c", "op": "get"|"next"|"bulk", "target": "127.0.0.1:PORT",
     "community": "...", "oids": [...], "nonRepeaters": N, "maxRepetitions": M}
  v3: through pysnmp's high-level API, with its own USM:
    {"version": "v3", "op": "get", "target": ..., "oids": [...],
     "user": {"name", "auth", "authKey", "priv", "privKey"}}
  -> {"error": indication or null, "status": name, "index": n, "varbinds": [[oid, type, text]]}
"""
import json
import socket
import sys

from pyasn1.codec.ber import decoder, encoder
from pysnmp.hlapi import (
    CommunityData, ContextData, ObjectIdentity, ObjectType, SnmpEngine, UdpTransportTarget, UsmUserData, getCmd,
    usmAesBlumenthalCfb256Protocol, usmAesCfb128Protocol, usmHMAC192SHA256AuthProtocol, usmHMAC384SHA512AuthProtocol,
    usmHMACSHAAuthProtocol, usmNoAuthProtocol, usmNoPrivProtocol,
)
from pysnmp.proto import api

AUTH = {None: usmNoAuthProtocol, 'sha': usmHMACSHAAuthProtocol, 'sha256': usmHMAC192SHA256AuthProtocol, 'sha512': usmHMAC384SHA512AuthProtocol}
PRIV = {None: usmNoPrivProtocol, 'aes': usmAesCfb128Protocol, 'aes256': usmAesBlumenthalCfb256Protocol}


def show(varbinds):
    return [[str(name), value.__class__.__name__, value.prettyPrint()] for name, value in varbinds]


def raw(req, host, port):
    p = api.protoModules[api.protoVersion1 if req['version'] == 'v1' else api.protoVersion2c]
    pdu = {'get': p.GetRequestPDU, 'next': p.GetNextRequestPDU, 'bulk': getattr(p, 'GetBulkRequestPDU', None)}[req['op']]()
    if req['op'] == 'bulk':
        p.apiBulkPDU.setDefaults(pdu)
        p.apiBulkPDU.setNonRepeaters(pdu, req['nonRepeaters'])
        p.apiBulkPDU.setMaxRepetitions(pdu, req['maxRepetitions'])
    else:
        p.apiPDU.setDefaults(pdu)
    p.apiPDU.setVarBinds(pdu, [(oid, p.Null('')) for oid in req['oids']])
    msg = p.Message()
    p.apiMessage.setDefaults(msg)
    p.apiMessage.setCommunity(msg, req['community'])
    p.apiMessage.setPDU(msg, pdu)
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.settimeout(2)
    s.sendto(encoder.encode(msg), (host, port))
    try:
        data, _ = s.recvfrom(70000)
    except socket.timeout:
        return {'error': 'timeout', 'status': None, 'index': 0, 'varbinds': [], 'octets': 0}
    rsp, _ = decoder.decode(data, asn1Spec=p.Message())
    rpdu = p.apiMessage.getPDU(rsp)
    return {
        'error': None,
        'status': p.apiPDU.getErrorStatus(rpdu).prettyPrint(),
        'index': int(p.apiPDU.getErrorIndex(rpdu)),
        'varbinds': show(p.apiPDU.getVarBinds(rpdu)),
        'octets': len(data),
    }


def v3(req, host, port):
    u = req['user']
    auth = UsmUserData(u['name'], authKey=u.get('authKey'), privKey=u.get('privKey'),
                       authProtocol=AUTH[u.get('auth')], privProtocol=PRIV[u.get('priv')])
    target = UdpTransportTarget((host, port), timeout=2, retries=0)
    objects = [ObjectType(ObjectIdentity(oid)) for oid in req['oids']]
    indication, status, index, varbinds = next(getCmd(SnmpEngine(), auth, target, ContextData(), *objects))
    return {
        'error': str(indication) if indication else None,
        'status': status.prettyPrint() if status else 'noError',
        'index': int(index) if index else 0,
        'varbinds': show(varbinds),
    }


def main():
    req = json.loads(sys.argv[1])
    host, port = req['target'].rsplit(':', 1)
    print(json.dumps((v3 if req['version'] == 'v3' else raw)(req, host, int(port))))


main()
