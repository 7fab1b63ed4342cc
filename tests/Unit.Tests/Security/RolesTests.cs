namespace Unlearning.Tests.Security;

public sealed class RolesTests
{
    [Fact]
    public void All_lists_the_five_roles()
    {
        Assert.Equal(["reader", "writer", "forgetter", "auditor", "admin"], Roles.All);
        Assert.All(Roles.All, role => Assert.True(Roles.IsKnown(role)));
        Assert.False(Roles.IsKnown("Admin"));
        Assert.False(Roles.IsKnown(null));
    }

    [Fact]
    public void A_requirement_is_met_by_any_listed_role_or_admin()
    {
        var required = new RequiresRoleAttribute(Roles.Forgetter, Roles.Writer);

        Assert.True(required.IsSatisfiedBy(new HashSet<string> { Roles.Forgetter }));
        Assert.True(required.IsSatisfiedBy(new HashSet<string> { Roles.Reader, Roles.Writer }));
        Assert.True(required.IsSatisfiedBy(new HashSet<string> { Roles.Admin }));
        Assert.False(required.IsSatisfiedBy(new HashSet<string> { Roles.Reader, Roles.Auditor }));
        Assert.False(required.IsSatisfiedBy(new HashSet<string>()));
    }

    [Fact]
    public void A_requirement_listing_no_role_admits_admin_only()
    {
        var required = new RequiresRoleAttribute();

        Assert.True(required.IsSatisfiedBy(new HashSet<string> { Roles.Admin }));
        Assert.False(required.IsSatisfiedBy(new HashSet<string> { Roles.Reader }));
    }

    [Fact]
    public void The_attribute_goes_on_methods_only()
    {
        var usage = (AttributeUsageAttribute)Attribute.GetCustomAttribute(typeof(RequiresRoleAttribute), typeof(AttributeUsageAttribute))!;
        Assert.Equal(AttributeTargets.Method, usage.ValidOn);
    }
}
