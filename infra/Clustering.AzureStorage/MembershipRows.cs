using System.Globalization;
using System.Net;
using System.Text;
using Azure.Data.Tables;
using Orleans;
using Orleans.Runtime;

namespace Dagger.Orleans.Clustering.AzureStorage;

/// <summary>
/// How membership lives in the table: partition = cluster id; one row per silo incarnation (row key
/// <c>address-port-generation</c>) and one version row whose ETag every membership change must match (the Orleans
/// membership protocol's optimistic concurrency). Times are stored as round-trip strings: Azure's DateTime type cannot
/// hold <see cref="DateTime.MinValue"/>, which a silo's first row may carry.
/// </summary>
internal static class MembershipRows
{
    public const string VersionRowKey = "VersionRow";
    public const string MembershipVersion = nameof(MembershipVersion);
    public const string Status = nameof(Status);
    private const string ProxyPort = nameof(ProxyPort);
    public const string IAmAliveTime = nameof(IAmAliveTime);
    private const string Address = nameof(Address);
    private const string Port = nameof(Port);
    private const string Generation = nameof(Generation);
    private const string HostName = nameof(HostName);
    private const string SiloName = nameof(SiloName);
    private const string RoleName = nameof(RoleName);
    private const string UpdateZone = nameof(UpdateZone);
    private const string FaultZone = nameof(FaultZone);
    private const string StartTime = nameof(StartTime);
    private const string SuspectingSilos = nameof(SuspectingSilos);
    private const string SuspectingTimes = nameof(SuspectingTimes);
    private const char ListSeparator = '|';

    public static string RowKey(SiloAddress silo) =>
        string.Create(CultureInfo.InvariantCulture, $"{silo.Endpoint.Address}-{silo.Endpoint.Port}-{silo.Generation}");

    public static TableEntity VersionRow(string clusterId, int version) =>
        new(clusterId, VersionRowKey) { [MembershipVersion] = version };

    public static TableEntity ToEntity(string clusterId, MembershipEntry entry)
    {
        var row = new TableEntity(clusterId, RowKey(entry.SiloAddress))
        {
            [Address] = entry.SiloAddress.Endpoint.Address.ToString(),
            [Port] = entry.SiloAddress.Endpoint.Port,
            [Generation] = entry.SiloAddress.Generation,
            [HostName] = entry.HostName,
            [SiloName] = entry.SiloName,
            [RoleName] = entry.RoleName,
            [Status] = entry.Status.ToString(),
            [ProxyPort] = entry.ProxyPort,
            [UpdateZone] = entry.UpdateZone,
            [FaultZone] = entry.FaultZone,
            [StartTime] = FormatTime(entry.StartTime),
            [IAmAliveTime] = FormatTime(entry.IAmAliveTime),
        };
        var silos = new StringBuilder();
        var times = new StringBuilder();
        if (entry.SuspectTimes is { } suspects)
        {
            foreach (var (silo, time) in suspects)
            {
                if (silos.Length > 0)
                {
                    silos.Append(ListSeparator);
                    times.Append(ListSeparator);
                }
                silos.Append(silo.ToParsableString());
                times.Append(FormatTime(time));
            }
        }
        row[SuspectingSilos] = silos.ToString();
        row[SuspectingTimes] = times.ToString();
        return row;
    }

    /// <summary>Only the liveness timestamp, merged into the silo's row without an ETag (it is not versioned).</summary>
    public static TableEntity IAmAlive(string clusterId, MembershipEntry entry) =>
        new(clusterId, RowKey(entry.SiloAddress)) { [IAmAliveTime] = FormatTime(entry.IAmAliveTime) };

    public static MembershipEntry ToEntry(TableEntity row)
    {
        var entry = new MembershipEntry
        {
            SiloAddress = SiloAddress.New(IPAddress.Parse(Required(row, Address)), Int(row, Port), Int(row, Generation)),
            HostName = row.GetString(HostName) ?? "",
            SiloName = row.GetString(SiloName) ?? "",
            RoleName = row.GetString(RoleName),
            Status = Enum.Parse<SiloStatus>(Required(row, Status)),
            ProxyPort = Int(row, ProxyPort),
            UpdateZone = Int(row, UpdateZone),
            FaultZone = Int(row, FaultZone),
            StartTime = ParseTime(row.GetString(StartTime)),
            IAmAliveTime = ParseTime(row.GetString(IAmAliveTime)),
        };
        var silos = row.GetString(SuspectingSilos);
        var times = row.GetString(SuspectingTimes);
        if (!string.IsNullOrEmpty(silos))
        {
            var siloList = silos.Split(ListSeparator);
            var timeList = (times ?? "").Split(ListSeparator);
            if (siloList.Length != timeList.Length)
            {
                throw new FormatException($"{SuspectingSilos} lists {siloList.Length} silos but {SuspectingTimes} lists {timeList.Length} times");
            }
            for (var i = 0; i < siloList.Length; i++) entry.AddSuspector(SiloAddress.FromParsableString(siloList[i]), ParseTime(timeList[i]));
        }
        return entry;
    }

    /// <summary>The later of start and last I-am-alive: when the silo was last known to be alive.</summary>
    public static DateTimeOffset LastAlive(TableEntity row)
    {
        var start = ParseTime(row.GetString(StartTime));
        var alive = ParseTime(row.GetString(IAmAliveTime));
        return new DateTimeOffset(DateTime.SpecifyKind(start > alive ? start : alive, DateTimeKind.Utc));
    }

    public static int Version(TableEntity versionRow) =>
        versionRow.GetInt32(MembershipVersion) ?? throw new FormatException($"the version row has no {MembershipVersion}");

    /// <summary>Azure table names: 3-63 letters and digits, starting with a letter.</summary>
    public static bool IsValidTableName(string? name)
    {
        if (name is null || name.Length is < 3 or > 63 || !char.IsAsciiLetter(name[0])) return false;
        foreach (var c in name)
        {
            if (!char.IsAsciiLetterOrDigit(c)) return false;
        }
        return true;
    }

    /// <summary>A cluster id is the partition key: no '/', '\', '#', '?' or control characters, at most 512 characters.</summary>
    public static bool IsValidPartitionKey(string? key)
    {
        if (string.IsNullOrEmpty(key) || key.Length > 512) return false;
        foreach (var c in key)
        {
            if (c is '/' or '\\' or '#' or '?' || char.IsControl(c)) return false;
        }
        return true;
    }

    private static string FormatTime(DateTime time) => time.ToString("O", CultureInfo.InvariantCulture);

    private static DateTime ParseTime(string? text) =>
        string.IsNullOrEmpty(text) ? default : DateTime.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind);

    private static string Required(TableEntity row, string property) =>
        row.GetString(property) ?? throw new FormatException($"row '{row.RowKey}' has no {property}");

    private static int Int(TableEntity row, string property) => row.GetInt32(property) ?? 0;
}
