/*
 * TEST ONLY — never ship this DLL beside ctg.exe.
 *
 * Rust's standard library (1.78 and later) draws its random numbers (HashMap keys) from
 * ProcessPrng in bcryptprimitives.dll, which Windows 10 and 11 have and Wine 8.0 lacks: under
 * Wine 8.0, ctg.exe stops at start with "DLL not found" (exit code 53). This stand-in, placed
 * beside ctg.exe for the Wine smoke test only (tests/it/windows.rs), forwards to
 * RtlGenRandom (advapi32's SystemFunction036), which Wine has.
 *
 * Built by scripts/build-windows.sh:
 *   x86_64-w64-mingw32-gcc -O2 -shared -o bcryptprimitives.dll bcryptprimitives.c -ladvapi32
 * (x64 has a single calling convention: the name is exported undecorated, no .def needed.)
 */
#include <windows.h>

BOOLEAN WINAPI SystemFunction036(PVOID buffer, ULONG length);

__declspec(dllexport) BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T len)
{
    while (len > 0) {
        ULONG chunk = len > 0x40000000 ? 0x40000000 : (ULONG)len;
        if (!SystemFunction036(data, chunk))
            return FALSE;
        data += chunk;
        len -= chunk;
    }
    return TRUE;
}
