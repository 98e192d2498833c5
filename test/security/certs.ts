/**
 * Test-only TLS material, generated at test time with the `openssl` CLI (nothing committed, nothing
 * valid beyond two days): a self-signed certificate for localhost/127.0.0.1, a throwaway CA, and
 * two leaves signed by it — one for localhost/127.0.0.1, one for the wrong name.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface KeyPair {
  readonly key: string;
  readonly cert: string;
}
export interface TestCerts {
  readonly selfSigned: KeyPair;
  readonly ca: string;
  readonly rightName: KeyPair;
  readonly wrongName: KeyPair;
}

export function hasOpenssl(): boolean {
  try {
    execFileSync("openssl", ["version"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

const EC = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"];
const LOCAL_SAN = "subjectAltName=DNS:localhost,IP:127.0.0.1";

export function makeCerts(): TestCerts {
  const dir = mkdtempSync(join(tmpdir(), "lakebase-certs-"));
  const at = (name: string) => join(dir, name);
  const ssl = (...args: string[]) => execFileSync("openssl", args, { stdio: "ignore" });
  const read = (name: string) => readFileSync(at(name), "utf8");
  try {
    ssl("req", "-x509", ...EC, "-keyout", at("self.key"), "-out", at("self.crt"), "-days", "2", "-subj", "/CN=localhost", "-addext", LOCAL_SAN);
    ssl("req", "-x509", ...EC, "-keyout", at("ca.key"), "-out", at("ca.crt"), "-days", "2", "-subj", "/CN=lakebase-sdk test CA",
      "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign");
    const leaf = (name: string, cn: string, san: string): KeyPair => {
      writeFileSync(at(`${name}.ext`), `${san}\n`);
      ssl("req", ...EC, "-keyout", at(`${name}.key`), "-out", at(`${name}.csr`), "-subj", `/CN=${cn}`);
      ssl("x509", "-req", "-in", at(`${name}.csr`), "-CA", at("ca.crt"), "-CAkey", at("ca.key"), "-CAcreateserial", "-out", at(`${name}.crt`), "-days", "2", "-extfile", at(`${name}.ext`));
      return { key: read(`${name}.key`), cert: read(`${name}.crt`) };
    };
    return {
      selfSigned: { key: read("self.key"), cert: read("self.crt") },
      ca: read("ca.crt"),
      rightName: leaf("right", "localhost", LOCAL_SAN),
      wrongName: leaf("wrong", "wrong.example", "subjectAltName=DNS:wrong.example"),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
