// jose_peer.mjs - node's `jose` as an interop peer for pkit's tests.
//
//   node jose_peer.mjs <tasks.json>
//
// tasks.json is an array of tasks; each reads and writes files:
//   {"op": "sign",    "alg": "ES256", "key": "k.json", "in": "p", "out": "t"}
//   {"op": "verify",  "alg": "ES256", "key": "k.json", "in": "t", "out": "p"}
//   {"op": "encrypt", "alg": "A128KW", "enc": "A128GCM", "key": "k.json",
//    "in": "p", "out": "t"}          (or "password": "pw.txt" for PBES2)
//   {"op": "decrypt", "alg": ..., "enc": ..., "key" | "password", "in", "out"}
//   {"op": "jwtsign", "alg", "key", "iss", "aud", "out"}
//   {"op": "jwtverify", "alg", "key", "iss", "aud", "in", "out"}
// Every failure is printed as "FAIL <op> <alg> <enc>: <why>"; the exit
// status is 1 when any task failed.
import { readFileSync, writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { join } from 'node:path';

const modules = process.env.JOSE_NODE_MODULES;
const jose = modules
  ? await import(pathToFileURL(join(modules, 'jose/dist/node/esm/index.js')).href)
  : await import('jose');

function loadKey(path, alg) {
  const jwk = JSON.parse(readFileSync(path, 'utf8'));
  // pkit's keys name one algorithm; the peer is told which one to use.
  delete jwk.alg;
  delete jwk.use;
  delete jwk.key_ops;
  return jose.importJWK(jwk, alg);
}

function password(path) {
  return new TextEncoder().encode(readFileSync(path, 'utf8').replace(/\r?\n$/, ''));
}

async function key(t) {
  if (t.password) return password(t.password);
  return loadKey(t.key, t.alg);
}

async function run(t) {
  const input = t.in ? readFileSync(t.in) : null;
  switch (t.op) {
    case 'sign': {
      const jws = await new jose.CompactSign(input)
        .setProtectedHeader({ alg: t.alg }).sign(await key(t));
      writeFileSync(t.out, jws + '\n');
      break;
    }
    case 'verify': {
      const { payload, protectedHeader } = await jose.compactVerify(
        input.toString('utf8').trim(), await key(t), { algorithms: [t.alg] });
      if (protectedHeader.alg !== t.alg) throw new Error(`alg ${protectedHeader.alg}`);
      writeFileSync(t.out, payload);
      break;
    }
    case 'encrypt': {
      const e = new jose.CompactEncrypt(input)
        .setProtectedHeader({ alg: t.alg, enc: t.enc });
      writeFileSync(t.out, (await e.encrypt(await key(t))) + '\n');
      break;
    }
    case 'decrypt': {
      const text = input.toString('utf8').trim();
      const opts = {
        keyManagementAlgorithms: [t.alg],
        contentEncryptionAlgorithms: [t.enc],
        maxPBES2Count: 1000000,
      };
      const { plaintext } = text.startsWith('{')
        ? await jose.flattenedDecrypt(JSON.parse(text), await key(t), opts)
        : await jose.compactDecrypt(text, await key(t), opts);
      writeFileSync(t.out, plaintext);
      break;
    }
    case 'jwtsign': {
      const jwt = await new jose.SignJWT({ role: 'peer' })
        .setProtectedHeader({ alg: t.alg, typ: 'JWT' })
        .setIssuer(t.iss).setAudience(t.aud).setSubject('node')
        .setIssuedAt().setExpirationTime('5m').sign(await key(t));
      writeFileSync(t.out, jwt + '\n');
      break;
    }
    case 'jwtverify': {
      const { payload } = await jose.jwtVerify(input.toString('utf8').trim(),
        await key(t), { issuer: t.iss, audience: t.aud, algorithms: [t.alg] });
      writeFileSync(t.out, JSON.stringify(payload));
      break;
    }
    default:
      throw new Error(`unknown op ${t.op}`);
  }
}

const tasks = JSON.parse(readFileSync(process.argv[2], 'utf8'));
let failed = 0;
for (const t of tasks) {
  try {
    await run(t);
  } catch (e) {
    failed++;
    console.error(`FAIL ${t.op} ${t.alg} ${t.enc ?? ''}: ${e.code ?? ''} ${e.message}`);
  }
}
console.error(`jose ${tasks.length - failed}/${tasks.length} tasks passed`);
process.exit(failed ? 1 : 0);
