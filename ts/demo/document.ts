/**
 * The demo's sample instance, in the emulator's path form: two users with keys, a forwarded IP
 * on the first NIC, a drift token and a startup script. Fictitious keys and RFC 5737 addresses.
 */
export const DEMO_MAC = '42:01:0a:80:00:02';

const ALICE = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIEmuLaToRoNlYfAkEkEy0000000000000000000000000 alice@example.com';
const BOB = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBoBbObBoBbObBoBbObBoBbObBoBbObBoBbObBoBbObB bob@example.com';
export const CAROL = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAICaRoLcArOlCaRoLcArOlCaRoLcArOlCaRoLcArOlCaRo carol@example.com';

/** A fresh copy of the demo document. */
export function demoDocument(): Record<string, unknown> {
  return {
    instance: {
      id: '4520031799277581759',
      name: 'demo-vm',
      hostname: 'demo-vm.us-central1-a.c.example-project-123.internal',
      zone: 'projects/123456789012/zones/us-central1-a',
      'machine-type': 'projects/123456789012/machineTypes/e2-standard-2',
      attributes: {
        'ssh-keys': `alice:${ALICE}\nbob:${BOB}`,
        'startup-script': '#!/bin/bash\necho "startup script ran on $(hostname)"\n',
        'enable-guest-attributes': 'TRUE',
      },
      'network-interfaces': [
        {
          mac: DEMO_MAC,
          ip: '10.128.0.2',
          'forwarded-ips': ['198.51.100.7'],
          'ip-aliases': [],
          'target-instance-ips': [],
        },
      ],
      'virtual-clock': { 'drift-token': '0' },
      'service-accounts': { default: { email: '123456789012-compute@developer.gserviceaccount.com', aliases: ['default'], scopes: ['https://www.googleapis.com/auth/devstorage.read_only'] } },
    },
    project: {
      'project-id': 'example-project-123',
      'numeric-project-id': '123456789012',
      attributes: {},
    },
  };
}

/** The scripted edits the demo makes through the control API, each with a caption. */
export function demoEdits(): { caption: string; patch: Record<string, unknown> }[] {
  return [
    { caption: 'add carol\'s key to instance ssh-keys', patch: { 'instance/attributes/ssh-keys': `alice:${ALICE}\nbob:${BOB}\ncarol:${CAROL}` } },
    { caption: 'remove bob from ssh-keys (his Google key and sudo membership go; the account stays)', patch: { 'instance/attributes/ssh-keys': `alice:${ALICE}\ncarol:${CAROL}` } },
    { caption: 'add a forwarded IP and an alias range', patch: { 'instance/network-interfaces/0/forwarded-ips': ['198.51.100.7', '198.51.100.9'], 'instance/network-interfaces/0/ip-aliases': ['10.128.4.0/24'] } },
    { caption: 'bump the drift token (a live migration happened)', patch: { 'instance/virtual-clock/drift-token': '1' } },
  ];
}
