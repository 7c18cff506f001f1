package io.chatsdk.jakarta;

import java.util.Set;

/**
 * The operator API's JAX-RS classes (create, list and disable apps, rotate secrets), guarded by the operator token of
 * {@link ChatApiSettings#operatorToken()}. Mount them in their own {@code Application}, e.g. at {@code /admin/api}.
 */
public final class OperatorApi {
    private OperatorApi() {
    }

    public static Set<Class<?>> classes() {
        return Set.of(AppsAdminResource.class, ComplianceResource.class, OperatorAuditResource.class, StatsResource.class, UsersAdminResource.class, ChannelsAdminResource.class, PushCredentialsAdminResource.class, JobsAdminResource.class, ConsoleResource.class,
                OfficersAdminResource.class, ModerationAdminResource.class, OperatorFilter.class, AuditFilter.Operator.class, AuditFilter.Scope.class, ProblemMappers.Engine.class, ProblemMappers.Api.class,
                ProblemMappers.Web.class, ProblemMappers.Unexpected.class);
    }
}
