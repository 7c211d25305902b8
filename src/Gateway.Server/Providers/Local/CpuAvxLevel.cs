using System.Runtime.Intrinsics.X86;
using LLama.Native;

namespace Gateway.Server.Providers.Local;

/// <summary>Which of LLamaSharp's x64 CPU builds (<c>runtimes/linux-x64/native/{noavx,avx,avx2,avx512}</c>) this CPU can run.</summary>
/// <remarks>
/// Read from CPUID, not from <c>Avx2.IsSupported</c> and friends: under native AOT those report what the
/// binary was <em>compiled</em> for (the x86-64-v2 baseline, so no AVX at all), which is why LLamaSharp's own
/// detection picks the slow <c>noavx</c> library there (TOOLCHAIN.md). CPUID answers for the machine the
/// binary runs on, the same under the JIT and AOT. The feature sets mirror what LLamaSharp itself requires
/// for each build (its <c>NativeLibraryConfig</c> checks AVX-512 F, BW, VBMI and VNNI), plus FMA and F16C for
/// AVX2, which llama.cpp's AVX2 build turns on.
/// </remarks>
internal static class CpuAvxLevel
{
    public static AvxLevel Detect()
    {
        if (!X86Base.IsSupported)
        {
            return AvxLevel.None; // Not x64: LLamaSharp's arm64 builds have no AVX directories and ignore the level.
        }

        var maxLeaf = X86Base.CpuId(0, 0).Eax;
        var (_, _, ecx1, _) = X86Base.CpuId(1, 0);
        // OSXSAVE (bit 27): the OS saves the extended register state, without which AVX instructions fault.
        var avx = Bit(ecx1, 27) && Bit(ecx1, 28);
        if (!avx)
        {
            return AvxLevel.None;
        }
        if (maxLeaf < 7)
        {
            return AvxLevel.Avx;
        }

        var (_, ebx7, ecx7, _) = X86Base.CpuId(7, 0);
        var avx2 = Bit(ebx7, 5) && Bit(ecx1, 12) /* FMA */ && Bit(ecx1, 29) /* F16C */;
        if (!avx2)
        {
            return AvxLevel.Avx;
        }
        var avx512 = Bit(ebx7, 16) /* F */ && Bit(ebx7, 30) /* BW */ && Bit(ecx7, 1) /* VBMI */ && Bit(ecx7, 11) /* VNNI */;
        return avx512 ? AvxLevel.Avx512 : AvxLevel.Avx2;
    }

    /// <summary>The directory name LLamaSharp uses for <paramref name="level"/>.</summary>
    public static string DirectoryName(AvxLevel level) => level switch
    {
        AvxLevel.Avx512 => "avx512",
        AvxLevel.Avx2 => "avx2",
        AvxLevel.Avx => "avx",
        _ => "noavx",
    };

    private static bool Bit(int register, int bit) => (register & (1 << bit)) != 0;
}
