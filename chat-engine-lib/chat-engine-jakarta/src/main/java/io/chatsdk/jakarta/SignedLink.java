package io.chatsdk.jakarta;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * A resource method that a signed link may call without credentials: when the request carries {@code sig}, the
 * {@link AuthFilter} lets it through unauthenticated and the method checks the signature itself (an unknown API key or a
 * bad signature is refused there, and counted like any failed authentication).
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
@interface SignedLink {
}
