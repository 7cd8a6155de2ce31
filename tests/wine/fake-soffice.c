/*
 * TEST ONLY: a stand-in for LibreOffice's soffice.com, for the Wine test of
 * `ctg convention --pdf` (tests/it/windows.rs), which installs it where the LibreOffice
 * installer puts the real one (C:\Program Files\LibreOffice\program). It writes its
 * arguments, one a line in UTF-8, to soffice-args.txt beside itself, and a small file
 * OUTDIR\STEM.pdf for the document it is given last, as `--convert-to pdf --outdir OUTDIR`
 * would.
 *
 *   x86_64-w64-mingw32-gcc -O2 -municode -o soffice.com fake-soffice.c
 */
#include <windows.h>
#include <stdio.h>
#include <wchar.h>

static void put_utf8(FILE *f, const wchar_t *s)
{
    char buf[4 * MAX_PATH + 16];
    int n = WideCharToMultiByte(CP_UTF8, 0, s, -1, buf, sizeof buf, NULL, NULL);
    if (n > 0)
        fwrite(buf, 1, (size_t)(n - 1), f);
    fputc('\n', f);
}

int wmain(int argc, wchar_t **argv)
{
    wchar_t log[MAX_PATH];
    DWORD len = GetModuleFileNameW(NULL, log, MAX_PATH);
    wchar_t *slash = wcsrchr(log, L'\\');
    if (len == 0 || slash == NULL || slash - log + 20 >= MAX_PATH)
        return 3;
    wcscpy(slash + 1, L"soffice-args.txt");
    FILE *f = _wfopen(log, L"ab");
    if (f == NULL)
        return 3;
    const wchar_t *outdir = NULL;
    for (int i = 1; i < argc; i++) {
        put_utf8(f, argv[i]);
        if (wcscmp(argv[i], L"--outdir") == 0 && i + 1 < argc)
            outdir = argv[i + 1];
    }
    fclose(f);
    if (outdir == NULL || argc < 2)
        return 4;
    const wchar_t *doc = argv[argc - 1];
    const wchar_t *base = wcsrchr(doc, L'\\');
    base = base ? base + 1 : doc;
    wchar_t pdf[4 * MAX_PATH];
    _snwprintf(pdf, 4 * MAX_PATH, L"%ls\\%ls", outdir, base);
    pdf[4 * MAX_PATH - 1] = 0;
    wchar_t *dot = wcsrchr(pdf, L'.');
    if (dot == NULL || wcslen(pdf) + 5 >= 4 * MAX_PATH)
        return 5;
    wcscpy(dot, L".pdf");
    FILE *p = _wfopen(pdf, L"wb");
    if (p == NULL)
        return 6;
    fputs("%PDF-1.4\n% faux PDF du test sous Wine\n", p);
    fclose(p);
    return 0;
}
