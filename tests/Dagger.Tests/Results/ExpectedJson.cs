using System.Text;

namespace Dagger.Orleans.Tests.Results;

internal static class ExpectedJson
{
    /// <summary>What <c>collect</c> writes for <c>range</c> 0..count-1: <c>[0,1,2,…]</c>.</summary>
    public static string RangeArray(long count)
    {
        var text = new StringBuilder("[");
        for (long i = 0; i < count; i++)
        {
            if (i > 0) text.Append(',');
            text.Append(i.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
        return text.Append(']').ToString();
    }
}
