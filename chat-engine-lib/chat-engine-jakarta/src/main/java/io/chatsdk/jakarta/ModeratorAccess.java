package io.chatsdk.jakarta;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/** Marks operator API methods that an admin console moderator may call as well as an operator: the flag queue and bans. */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface ModeratorAccess {
}
