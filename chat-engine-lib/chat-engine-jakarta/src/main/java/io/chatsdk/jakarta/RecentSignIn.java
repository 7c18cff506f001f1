package io.chatsdk.jakarta;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks sensitive operator API methods (exports, erasure, key rotation, officer changes): a console officer must have
 * signed in or re-authenticated within {@link io.chatsdk.engine.officers.Officers#RECENT}, else {@code 401
 * reauthentication_required}. Callers with the operator or compliance token are not affected.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface RecentSignIn {
}
