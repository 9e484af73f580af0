#!/usr/bin/python3
"""rap_capture.py IP USER PASS [LEVEL [BUFSIZE] | --param HEX] -- one RAP NetSessionEnum
(opcode 6, "WrLeh", level 2 "zzWWWDDDz" or 10 "zzDD") over SMB1
TRANSACTION on \\PIPE\\LANMAN, with impacket's SMB1 client (written
independently of dll/rap).  Prints the response's transaction parameter and
data blocks as hex ("params=..." / "data=..."): how the Samba vector in
tests/test_rap.c was captured.  With --param HEX it sends that parameter
block instead (tests/native/rap_samba.sh sends dll/rap's own requests)."""
import struct
import sys

from impacket import smb
from impacket.smbconnection import SMBConnection


def main():
    ip, user, password = sys.argv[1:4]
    raw_param = bytes.fromhex(sys.argv[5]) if len(sys.argv) > 5 and sys.argv[4] == "--param" else None
    level = int(sys.argv[4]) if len(sys.argv) > 4 and raw_param is None else 2
    bufsize = int(sys.argv[5]) if len(sys.argv) > 5 and raw_param is None else 0xFFFF
    desc = {2: b"zzWWWDDDz", 10: b"zzDD"}.get(level, b"zzWWWDDDz")
    conn = SMBConnection(ip, ip, preferredDialect=smb.SMB_DIALECT, timeout=10)
    conn.login(user, password)
    s = conn.getSMBServer()
    tid = s.tree_connect_andx("\\\\%s\\IPC$" % ip, None)
    param = struct.pack("<H", 6) + b"WrLeh\0" + desc + b"\0" + struct.pack("<HH", level, bufsize)
    if raw_param is not None:
        param = raw_param
    s.send_trans(tid, b"", b"\\PIPE\\LANMAN\0", param, b"")
    r = s.recvSMB()
    if not r.isValidAnswer(smb.SMB.SMB_COM_TRANSACTION):
        print("error")
        return 1
    cmd = smb.SMBCommand(r["Data"][0])
    p = smb.SMBTransactionResponse_Parameters(cmd["Parameters"])
    raw = r.getData()
    po, pc, do, dc = p["ParameterOffset"], p["ParameterCount"], p["DataOffset"], p["DataCount"]
    print("params=" + raw[po:po + pc].hex())
    print("data=" + raw[do:do + dc].hex())
    conn.logoff()
    return 0


if __name__ == "__main__":
    sys.exit(main())
