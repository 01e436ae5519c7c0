/**
 * Reaches the emulator (on the host's loopback) from inside a test network namespace without
 * touching the host's network: a Unix socket in a temp directory (paths are shared across
 * network namespaces) forwarded to the emulator, and a tiny TCP listener started inside the
 * namespace on its own 127.0.0.1 that forwards to that socket.
 */
import { spawn } from 'node:child_process';
import net from 'node:net';
import { join } from 'node:path';

export interface Bridge {
  /** `127.0.0.1:PORT` as seen inside the namespace. */
  readonly host: string;
  close(): void;
}

function pipeBoth(a: net.Socket, b: net.Socket): void {
  a.pipe(b).pipe(a);
  a.on('error', () => b.destroy());
  b.on('error', () => a.destroy());
  a.on('close', () => b.destroy());
  b.on('close', () => a.destroy());
}

/** Bridges `upstream` (`host:port` on the host) into namespace `ns` at 127.0.0.1:18080. */
export async function bridgeIntoNetns(ns: string, ipPath: string, upstream: string, dir: string): Promise<Bridge> {
  const sock = join(dir, 'mds.sock');
  const i = upstream.lastIndexOf(':');
  const server = net.createServer((c) => pipeBoth(c, net.connect(Number(upstream.slice(i + 1)), upstream.slice(0, i))));
  await new Promise<void>((resolve) => server.listen(sock, resolve));
  const port = 18080;
  const script = `const net=require('net');net.createServer(c=>{const u=net.connect(${JSON.stringify(sock)});c.pipe(u).pipe(c);c.on('error',()=>u.destroy());u.on('error',()=>c.destroy());c.on('close',()=>u.destroy());u.on('close',()=>c.destroy());}).listen(${port},'127.0.0.1',()=>console.log('ready'))`;
  const child = spawn(ipPath, ['netns', 'exec', ns, process.execPath, '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((resolve, reject) => {
    child.stdout?.on('data', (c: Buffer) => {
      if (c.toString().includes('ready')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`netns bridge exited ${String(code)}`)));
  });
  return {
    host: `127.0.0.1:${port}`,
    close() {
      child.kill('SIGKILL');
      server.close();
    },
  };
}
