// What `netcon --help` and `netcon <command> --help` print.
import { DEFAULT_TIMEOUT_MS, DEFAULT_WAIT_TIMEOUT_MS, DEFAULT_WATCH_INTERVAL_MS } from '../index';
import { EXIT_CODES } from './exit-codes';

const EXIT_TEXT = `Exit codes: ${EXIT_CODES.OK} ok, ${EXIT_CODES.FAILURE} failure, ${EXIT_CODES.USAGE} usage error or invalid name/GUID, \
${EXIT_CODES.CONNECTION_NOT_FOUND} not found,
${EXIT_CODES.AMBIGUOUS_CONNECTION} ambiguous name, ${EXIT_CODES.ACCESS_DENIED} access denied, \
${EXIT_CODES.UNSUPPORTED} not Windows or native module not loadable,
${EXIT_CODES.TIMEOUT} --timeout or --wait ran out, ${EXIT_CODES.DOCTOR_FAILED} doctor found a failing check,
${EXIT_CODES.NOT_RESTORED} offline: a connection did not come back (netcon offline --restore).`;

/** `netcon --help` output. */
export const HELP = `Usage: netcon <command> [options]

Commands:
  list [--json] [--details]             Every connection: NAME, STATUS, TYPE, DEVICE, GUID
                                        (--details: its addresses, gateway, Internet)
  show <name|GUID> [--json] [--details] One connection in full (--details: its network
                                        interface too)
  disconnect <name|GUID> [--wait [ms]]  Disconnect a connection
  connect <name|GUID> [--wait [ms]]     Connect a connection
  watch [--json] [--interval <ms>]      A line per connection change, until Ctrl+C
  sharing [--json]                      Internet Connection Sharing: who shares what
  share <public> <private> [--json]     Share <public> (the one with the Internet)
                                        to <private> (the network that receives it)
  unshare [<name|GUID>] [--json]        Sharing off on that connection, or on all
  rename <name|GUID> <new name> [--json]
                                        Rename a connection
  doctor [--json]                       Will netcon work here? Checks and fixes, read-only
  offline [<name|GUID>...] [-- <command> [args...]]
                                        Take connections down (default: every connected
                                        one), run the command or wait, bring them back
  offline --restore                     Bring back what an offline window left down
  delete <name|GUID> --yes [--json]     Delete a VPN or dial-up entry (cannot be undone)
  duplicate <name|GUID> <new name> [--json]
                                        Copy a VPN or dial-up entry
  ports [<name|GUID>] [--json]          Port mappings of the connection shared as public
  ports add|remove|enable|disable <name|GUID> ...
                                        Change them (netcon ports --help)
  help [command]                        This help, or a command's

Options:
  --json               Print JSON instead of text (list, show, doctor, sharing,
                       share, unshare, rename, delete, duplicate, ports; watch:
                       one JSON object per line)
  --yes                delete: confirm the deletion
  --details            list, show: each connection's network interface too
  --interval <ms>      watch: list this often when Windows notifies nothing
                       (default ${DEFAULT_WATCH_INTERVAL_MS} ms)
  --wait [ms]          After disconnect/connect, wait until Windows reports the
                       connection down/up (default ${DEFAULT_WAIT_TIMEOUT_MS} ms)
  --timeout <ms>       Give up on a COM call Windows has not answered after this
                       long (default ${DEFAULT_TIMEOUT_MS} ms; exit code ${EXIT_CODES.TIMEOUT})
  --prog-id <ProgID>   Use this COM class instead of HNetCfg.HNetShare (an
                       HNetShare-compatible test server registered under it)
  -h, --help           Show help (after a command: that command's)
  --version            Show netcon's version

Names are compared ignoring case; quote names that contain spaces ("Ethernet 2"),
and put "--" before a name that starts with "-". Disconnecting and connecting
usually need an elevated prompt (Run as administrator); share, unshare and
rename do.

${EXIT_TEXT}
`;

/** Each command's `--help`. */
export const COMMAND_HELP: Readonly<Record<string, string>> = Object.freeze({
  list: `Usage: netcon list [--json] [--all] [--details] [--timeout <ms>]

Lists every network connection Windows shows in Network Connections, disabled and
disconnected ones included: nothing is hidden, so --all changes nothing and is only
accepted for scripts that ask for it. Columns: NAME, STATUS, TYPE, DEVICE, GUID.
--json prints the connections as a JSON array (every field, characteristics decoded).
--details also reads each connection's network interface from Windows' IP Helper API
and shows NAME, STATUS, IPV4, IPV6, GATEWAY, INTERNET, GUID instead ("no adapter" for
a connection Windows has no interface for now, such as a VPN that is not connected);
with --json each connection has a "details" object, or null.
`,
  show: `Usage: netcon show <name|GUID> [--json] [--details] [--timeout <ms>]

Shows one connection in full: name, status, type, device, GUID and characteristics.
A name is compared ignoring case; a GUID may be written with or without braces.
--details adds its network interface: index and LUID, MAC, MTU, link speeds, IPv4 and
IPv6 addresses with prefix lengths, gateways, DNS servers and suffix, and whether it
holds the Internet (the default route Windows ranks first); with --json, "details".
`,
  disconnect: `Usage: netcon disconnect <name|GUID> [--wait [ms]] [--timeout <ms>]

Disconnects the connection, as Network Connections' Disable/Disconnect does. Windows
often finishes after the call returned: --wait then waits until it reports the
connection disconnected, hardware-disabled or media-disconnected (default ${DEFAULT_WAIT_TIMEOUT_MS} ms;
exit code ${EXIT_CODES.TIMEOUT} when it did not). --timeout bounds the disconnect call
itself; when it runs out Windows may still finish the disconnect. Usually needs an
elevated prompt.
`,
  connect: `Usage: netcon connect <name|GUID> [--wait [ms]] [--timeout <ms>]

Connects the connection. --wait then waits until Windows reports it connected
(default ${DEFAULT_WAIT_TIMEOUT_MS} ms; exit code ${EXIT_CODES.TIMEOUT} when it did not). --timeout bounds
the connect call itself. Usually needs an elevated prompt.
`,
  watch: `Usage: netcon watch [--json] [--interval <ms>] [--timeout <ms>]

Prints a line for each change to the connections, with the time, until Ctrl+C (exit code
${EXIT_CODES.OK}): added, removed, or changed with what changed (status, name, device, type,
characteristics). Windows' own notifications (interfaces, VPN and dial-up) make it look at
once; it also lists every --interval (default ${DEFAULT_WATCH_INTERVAL_MS} ms) for what they miss. A list
that fails or outlives --timeout prints an error line on stderr, and watching goes on.
--json prints one JSON object per line on stdout, errors included:
{"time":"…","type":"changed","connection":{…},"previous":{…}}.
`,
  doctor: `Usage: netcon doctor [--json] [--timeout <ms>]

Answers "will netcon work here, and if not, why", read-only: Windows version, process,
binary and machine architecture, Node and Node-API versions, where the binary was loaded
from, the COM class's registration (ProgID, CLSID, server, ThreadingModel), the Network
Connections service, elevation, this thread's COM apartment, and a trial list. Each line is
ok, warn or fail, with a fix. Exit code ${EXIT_CODES.OK} when netcon can work here, ${EXIT_CODES.DOCTOR_FAILED} when a check fails,
${EXIT_CODES.UNSUPPORTED} off Windows or when the native module cannot be loaded.
`,
  offline: `Usage: netcon offline [<name|GUID>...] [--for <ms>] [--max <ms>] [--json] [-- <command> [args...]]
       netcon offline --restore [--json]

Takes the connections down (by default every connection that is connected; one already
down is left alone), then runs <command> with this terminal, or without one waits --for ms
or until Ctrl+C, and brings them back, each until it is connected. A line per connection
going down and coming back, with timings; --json prints JSON lines. A guardian process
brings them back if this one is killed, and after --max ms (default 300000, at most 24 h)
whatever happens. With a command the exit code is the command's; ${EXIT_CODES.NOT_RESTORED} when a
connection did not come back. --restore brings back what a window left down (after a reboot
or a killed guardian): put it in a CI runner's start-up script, since a disabled adapter
stays disabled across a reboot. Needs an elevated prompt.
`,
  sharing: `Usage: netcon sharing [--json] [--timeout <ms>]

Shows every connection's Internet Connection Sharing (ICS): NAME, SHARING, GUID. SHARING
is public (the connection shared: the one with the Internet), private (the network that
receives it), - (not shared), or "cannot be shared" when Windows gives the connection no
sharing configuration. Read-only; needs no elevation. --json prints the array.
`,
  share: `Usage: netcon share <public> <private> [--json] [--timeout <ms>]

Shares <public> (the connection with the Internet: Ethernet, a VPN) to <private> (the
network that receives it: a hotspot, a VM switch), each a name or GUID. Windows allows one
public and one private connection, so sharing first goes off every other connection, then
on for the pair; the lines say which connections lost it. If a step fails, the earlier
sharing is put back and the error names the step. Needs an elevated prompt. When
--timeout runs out, nothing is put back: run "netcon sharing" to see where things stand.
`,
  unshare: `Usage: netcon unshare [<name|GUID>] [--json] [--timeout <ms>]

Turns Internet Connection Sharing off on the connection, or with no argument on every
connection that has it. Needs an elevated prompt.
`,
  rename: `Usage: netcon rename <name|GUID> <new name> [--json] [--timeout <ms>]

Renames the connection, as Network Connections' Rename does. The new name must not be
empty, longer than 255 characters, hold \\ / : * ? " < > | or control characters, or be
another connection's name (ignoring case): those are refused before Windows is asked.
Needs an elevated prompt.
`,
  delete: `Usage: netcon delete <name|GUID> --yes [--json] [--timeout <ms>]

Deletes a VPN or dial-up entry, as Network Connections' Delete does. It cannot be undone:
without --yes nothing is changed and the exit code is ${EXIT_CODES.USAGE}. Only connections whose
characteristics have allow-removal (VPN and dial-up entries) can be deleted; any other is
refused before Windows is asked (ERR_CONNECTION_NOT_REMOVABLE, exit code ${EXIT_CODES.FAILURE}). An entry
for all users needs an elevated prompt.
`,
  duplicate: `Usage: netcon duplicate <name|GUID> <new name> [--json] [--timeout <ms>]

Copies a VPN or dial-up entry under a new name, as Network Connections' Create Copy does,
and prints the copy (--json: in full). Only connections whose characteristics have
allow-duplication can be copied (else ERR_CONNECTION_NOT_DUPLICABLE, exit code ${EXIT_CODES.FAILURE}); the
new name follows rename's rules and must not be a connection's name already. Both are
checked before Windows is asked.
`,
  ports: `Usage: netcon ports [<name|GUID>] [--json] [--timeout <ms>]
       netcon ports add <name|GUID> --name <n> --protocol tcp|udp --external <port>
                    --internal <port> (--target-ip <IPv4> | --target-name <host>) [--enable] [--json]
       netcon ports remove|enable|disable <name|GUID> (<mapping name> | --protocol tcp|udp --external <port>) [--json]

Port mappings forward a port of the connection shared as public (Internet Connection
Sharing) to a computer on the shared network. Without a connection, lists the mappings of
every connection shared as public: CONNECTION, NAME, PROTOCOL, EXTERNAL, INTERNAL, TARGET,
ENABLED; --json prints [{ connection, mappings }]. "add" adds one to a connection shared as
public (Windows adds it disabled; --enable enables it too) and refuses an external port
already mapped for that protocol. remove, enable and disable take the mapping's name, or
--protocol and --external when two mappings share a name. A connection named add, remove,
enable or disable is given by GUID. Changes need an elevated prompt.
`,
  help: `Usage: netcon help [command]

Shows netcon's help, or a command's.
`,
});
