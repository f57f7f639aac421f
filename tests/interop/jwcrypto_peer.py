"""jwcrypto_peer.py - python3-jwcrypto as an interop peer for pkit's tests.

    /usr/bin/python3 jwcrypto_peer.py <tasks.json>

The tasks are those of jose_peer.mjs (sign, verify, encrypt, decrypt,
jwtsign, jwtverify).  Every failure is printed as "FAIL <op> <alg> <enc>:
<why>"; the exit status is 1 when any task failed.
"""
import json
import sys
import time

from jwcrypto import jwe, jwk, jws, jwt
from jwcrypto.common import base64url_encode


def load_key(task):
    if task.get('password'):
        with open(task['password'], 'rb') as f:
            pw = f.read().rstrip(b'\r\n')
        return jwk.JWK(kty='oct', k=base64url_encode(pw))
    with open(task['key']) as f:
        d = json.load(f)
    # pkit's keys name one algorithm; the peer is told which one to use.
    for m in ('alg', 'use', 'key_ops'):
        d.pop(m, None)
    return jwk.JWK(**d)


def read(path):
    with open(path, 'rb') as f:
        return f.read()


def write(path, data):
    with open(path, 'wb') as f:
        f.write(data if isinstance(data, bytes) else data.encode())


def run(t):
    op, alg, key = t['op'], t.get('alg'), load_key(t)
    if op == 'sign':
        s = jws.JWS(read(t['in']))
        s.add_signature(key, None, json.dumps({'alg': alg}))
        write(t['out'], s.serialize(compact=True) + '\n')
    elif op == 'verify':
        s = jws.JWS()
        s.allowed_algs = [alg]
        s.deserialize(read(t['in']).decode().strip(), key)
        if s.jose_header.get('alg') != alg:
            raise ValueError('alg %s' % s.jose_header.get('alg'))
        write(t['out'], s.payload)
    elif op == 'encrypt':
        e = jwe.JWE(read(t['in']),
                    json.dumps({'alg': alg, 'enc': t['enc']}))
        e.add_recipient(key)
        # JSON serialization: PBES2's p2s and p2c go in a per-recipient
        # header, which the compact form cannot carry.
        write(t['out'], e.serialize() + '\n')
    elif op == 'decrypt':
        e = jwe.JWE()
        e.allowed_algs = [alg, t['enc']]
        e.deserialize(read(t['in']).decode().strip(), key)
        write(t['out'], e.payload)
    elif op == 'jwtsign':
        now = int(time.time())
        tok = jwt.JWT(header={'alg': alg, 'typ': 'JWT'},
                      claims={'iss': t['iss'], 'aud': t['aud'],
                              'sub': 'python', 'iat': now, 'nbf': now,
                              'exp': now + 300, 'role': 'peer'})
        tok.make_signed_token(key)
        write(t['out'], tok.serialize() + '\n')
    elif op == 'jwtverify':
        tok = jwt.JWT(jwt=read(t['in']).decode().strip(), key=key,
                      algs=[alg],
                      check_claims={'iss': t['iss'], 'aud': t['aud'],
                                    'exp': None})
        write(t['out'], tok.claims)
    else:
        raise ValueError('unknown op %s' % op)


def main():
    with open(sys.argv[1]) as f:
        tasks = json.load(f)
    failed = 0
    for t in tasks:
        try:
            run(t)
        except Exception as e:  # report every failure, keep going
            failed += 1
            print('FAIL %s %s %s: %s: %s' % (t['op'], t.get('alg'),
                  t.get('enc', ''), type(e).__name__, e), file=sys.stderr)
    print('jwcrypto %d/%d tasks passed' % (len(tasks) - failed, len(tasks)),
          file=sys.stderr)
    sys.exit(1 if failed else 0)


if __name__ == '__main__':
    main()
