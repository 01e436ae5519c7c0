/** The `ip route` argv builders and the parser of recorded `ip route show` output. */
import {
  addRouteArgv,
  cidrOf,
  deleteRouteArgv,
  listRoutesArgv,
  parseRouteList,
  routeFields,
} from '../../../ts/os/routes.js';

describe('argv builders', () => {
  it('lists routes of one proto in table local', () => {
    expect(listRoutesArgv(66)).toEqual(['ip', 'route', 'show', 'table', 'local', 'type', 'local', 'scope', 'host', 'proto', '66']);
  });

  it.each([
    [{ dst: '10.1.2.3/32', dev: 'eth0' }, 66, ['ip', 'route', 'add', 'to', 'local', '10.1.2.3/32', 'scope', 'host', 'dev', 'eth0', 'proto', '66']],
    [{ dst: '192.0.2.0/24', dev: 'ens4' }, 77, ['ip', 'route', 'add', 'to', 'local', '192.0.2.0/24', 'scope', 'host', 'dev', 'ens4', 'proto', '77']],
  ])('adds %j with proto %d', (route, proto, argv) => {
    expect(addRouteArgv(route, proto)).toEqual(argv);
  });

  it('deletes with the same fixed shape', () => {
    expect(deleteRouteArgv({ dst: '10.1.2.3/32', dev: 'eth0' }, 66)).toEqual([
      'ip', 'route', 'delete', 'to', 'local', '10.1.2.3/32', 'scope', 'host', 'dev', 'eth0', 'proto', '66',
    ]);
  });
});

describe('parseRouteList', () => {
  // Recorded from iproute2 6.1 (`ip route show table local type local scope host proto 66`).
  const IPROUTE2_6 = 'local 10.1.2.3 dev eth0 \nlocal 192.0.2.0/24 dev eth0 \n';
  // Older iproute2 prints the filtered fields too, and some lines carry flags.
  const IPROUTE2_OLD =
    'local 10.1.2.3 dev eth0 proto 66 scope host \n' +
    '198.51.100.7 dev ens4 proto 66 scope host linkdown\n' +
    'local 10.9.9.9 dev eth0 proto 77 scope host \n' +
    'local 10.9.9.8 dev eth0 proto static scope host \n' +
    'local 10.9.9.7 dev eth0 table main proto 66 scope host \n';

  it('reads iproute2 6 output (filtered fields left out)', () => {
    expect(parseRouteList(IPROUTE2_6, 66)).toEqual({
      routes: [
        { dst: '10.1.2.3/32', dev: 'eth0' },
        { dst: '192.0.2.0/24', dev: 'eth0' },
      ],
      unparsed: [],
    });
  });

  it('skips the optional leading "local" and never takes another proto or table as ours', () => {
    expect(parseRouteList(IPROUTE2_OLD, 66).routes).toEqual([
      { dst: '10.1.2.3/32', dev: 'eth0' },
      { dst: '198.51.100.7/32', dev: 'ens4' },
    ]);
  });

  it('returns unreadable lines instead of guessing', () => {
    const r = parseRouteList('local fe80::1 dev eth0 \nlocal 10.1.2.3\ngarbage here\n\n', 66);
    expect(r.routes).toEqual([]);
    expect(r.unparsed).toEqual(['local fe80::1 dev eth0', 'local 10.1.2.3', 'garbage here']);
  });

  it('reads empty output as no routes', () => {
    expect(parseRouteList('', 66)).toEqual({ routes: [], unparsed: [] });
  });
});

describe('helpers', () => {
  it.each([
    ['10.1.2.3', '10.1.2.3/32'],
    ['192.0.2.0/24', '192.0.2.0/24'],
    ['fe80::1', undefined],
    ['default', undefined],
    ['300.1.1.1', undefined],
    ['10.1.2.3/40', undefined],
  ])('cidrOf(%j) is %j', (text, cidr) => {
    expect(cidrOf(text)).toBe(cidr);
  });

  it('reads fields by key, so stand-alone flags cannot shift them', () => {
    const f = routeFields('linkdown dev eth0 onlink proto 66 dead scope host'.split(' '));
    expect(f.get('dev')).toBe('eth0');
    expect(f.get('proto')).toBe('66');
    expect(f.get('scope')).toBe('host');
  });
});
