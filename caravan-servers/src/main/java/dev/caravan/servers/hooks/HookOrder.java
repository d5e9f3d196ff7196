package dev.caravan.servers.hooks;

/** Where a hook runs within its phase (Apache's APR_HOOK_FIRST / MIDDLE / LAST); ties in registration order. */
public enum HookOrder { FIRST, MIDDLE, LAST }
