using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;

namespace EdgeConv.Tests.Smoke;

/// <summary>
/// Checks that each pass of scripts/test.sh really runs on the architecture and with the
/// instruction sets it claims. The script sets EDGECONV_EXPECT_* per pass (for example
/// EDGECONV_EXPECT_DP=0 for cortex-a72 and for cortex-a76 with DOTNET_EnableArm64Dp=0);
/// a test whose variable is not set skips and says so.
/// </summary>
/// <remarks>The runtime knobs these passes rely on are checked here because they change between
/// .NET versions: on .NET 10, DOTNET_EnableAVX512F=0 no longer turns AVX-512 off (the knob is
/// DOTNET_EnableAVX512), and a fallback pass that silently keeps the fast path tests nothing.</remarks>
[Trait("Category", "Smoke")]
public sealed class PlatformSmokeTests
{
    private static bool HwIntrinsicsDisabled =>
        Environment.GetEnvironmentVariable("DOTNET_EnableHWIntrinsic") == "0";

    [Fact]
    public void ProcessArchitecture_IsX64OrArm64_WithItsBaselineSimd()
    {
        var arch = RuntimeInformation.ProcessArchitecture;
        Assert.True(arch is Architecture.X64 or Architecture.Arm64, $"Unsupported process architecture {arch}.");

        if (HwIntrinsicsDisabled)
        {
            Assert.False(Vector128.IsHardwareAccelerated, "DOTNET_EnableHWIntrinsic=0 should turn Vector128 acceleration off.");
        }
        else if (arch == Architecture.Arm64)
        {
            Assert.True(AdvSimd.IsSupported, "Every ARMv8-A core has AdvSimd (NEON); the runtime reports none.");
        }
        else
        {
            Assert.True(Sse2.IsSupported, "Every x86-64 core has SSE2; the runtime reports none.");
        }
    }

    [Fact]
    public void ProcessArchitecture_MatchesThePass()
    {
        string? expected = Environment.GetEnvironmentVariable("EDGECONV_EXPECT_ARCH");
        Assert.SkipWhen(string.IsNullOrEmpty(expected), "EDGECONV_EXPECT_ARCH is not set (scripts/test.sh sets it per pass).");
        Assert.Equal(expected, RuntimeInformation.ProcessArchitecture.ToString(), ignoreCase: true);
    }

    [Theory]
    [InlineData("EDGECONV_EXPECT_ADVSIMD")]
    [InlineData("EDGECONV_EXPECT_DP")]
    [InlineData("EDGECONV_EXPECT_RDM")]
    [InlineData("EDGECONV_EXPECT_AVX2")]
    [InlineData("EDGECONV_EXPECT_AVX512")]
    [InlineData("EDGECONV_EXPECT_HWACCEL")]
    public void InstructionSet_MatchesThePass(string variable)
    {
        string? expected = Environment.GetEnvironmentVariable(variable);
        Assert.SkipWhen(string.IsNullOrEmpty(expected), $"{variable} is not set (scripts/test.sh sets it on the passes where it is known).");
        Assert.True(expected is "0" or "1", $"{variable} must be 0 or 1, was '{expected}'.");

        bool actual = variable switch
        {
            "EDGECONV_EXPECT_ADVSIMD" => AdvSimd.IsSupported,
            "EDGECONV_EXPECT_DP" => Dp.IsSupported,
            "EDGECONV_EXPECT_RDM" => Rdm.IsSupported,
            "EDGECONV_EXPECT_AVX2" => Avx2.IsSupported,
            "EDGECONV_EXPECT_AVX512" => Avx512F.IsSupported && Avx512BW.IsSupported,
            "EDGECONV_EXPECT_HWACCEL" => Vector128.IsHardwareAccelerated,
            _ => throw new ArgumentOutOfRangeException(nameof(variable), variable, "unknown variable"),
        };

        Assert.True(actual == (expected == "1"), $"{variable}={expected} but the runtime reports {actual}. {IsaReport()}");
    }

    [Fact]
    public void IsaReport_IsWrittenToTestOutput()
    {
        var output = TestContext.Current.TestOutputHelper;
        Assert.NotNull(output);
        string report = IsaReport();
        output.WriteLine(report);
        Assert.Contains(RuntimeInformation.ProcessArchitecture.ToString(), report, StringComparison.Ordinal);

        // scripts/test.sh names a file per pass and prints it in the pass's result line.
        string? reportFile = Environment.GetEnvironmentVariable("EDGECONV_ISA_REPORT_FILE");
        if (!string.IsNullOrEmpty(reportFile))
        {
            File.WriteAllText(reportFile, report + "\n");
        }
    }

    private static string IsaReport() =>
        $"arch={RuntimeInformation.ProcessArchitecture} " +
        $"AdvSimd={AdvSimd.IsSupported} Dp={Dp.IsSupported} Rdm={Rdm.IsSupported} " +
        $"Sse2={Sse2.IsSupported} Sse41={Sse41.IsSupported} Avx2={Avx2.IsSupported} " +
        $"Avx512F={Avx512F.IsSupported} Avx512BW={Avx512BW.IsSupported} AvxVnni={AvxVnni.IsSupported} " +
        $"V128={Vector128.IsHardwareAccelerated} V256={Vector256.IsHardwareAccelerated} V512={Vector512.IsHardwareAccelerated} " +
        $"Vector<byte>.Count={System.Numerics.Vector<byte>.Count}";
}
