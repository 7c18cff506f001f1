package io.chatsdk.appliance;

import io.chatsdk.jakarta.OperatorApi;
import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.core.Application;

import java.util.Set;

/** The operator API at {@code /admin/api}. */
@ApplicationPath("/admin/api")
public class OperatorApiApplication extends Application {
    @Override
    public Set<Class<?>> getClasses() {
        return OperatorApi.classes();
    }
}
