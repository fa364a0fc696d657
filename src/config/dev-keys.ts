/** Built-in development key for contact hashes and personal-value digests (CONTACT_HASH_SECRET unset: refused in production). */
export const DEV_CONTACT_SECRET = 'complaint-desk-development-contact-key';
