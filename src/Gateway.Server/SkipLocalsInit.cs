// Stack buffers in this assembly are always written before they are read (every stackalloc is
// filled by a copy or a formatter that reports how many bytes it wrote, and only that many are
// read), so the zeroing the runtime would otherwise do is skipped module-wide. Re-audit this
// whenever a stackalloc is added.
[module: System.Runtime.CompilerServices.SkipLocalsInit]
