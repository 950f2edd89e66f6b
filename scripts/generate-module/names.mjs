// The names one module's files use, derived from its namespace (`parcels`, `pizza-orders`).

const NAMESPACE = /^[a-z][a-z0-9-]{0,31}$/;

/**
 * Namespaces the gateway owns without a folder of that name (the core's `user:`, the publish
 * module's `public:`). Taken folders (src/<name>, test/<name>) are found on disk.
 */
const TAKEN = new Set(['user', 'public']);

export function namesOf(name) {
  if (!NAMESPACE.test(name)) {
    throw new Error(`"${name}" is not a namespace name: ^[a-z][a-z0-9-]{0,31}$ (lowercase, digits, dashes)`);
  }
  if (name.endsWith('-') || name.includes('--'))
    throw new Error(`"${name}": use single dashes between words`);
  if (TAKEN.has(name)) throw new Error(`the namespace "${name}" is taken by the gateway itself`);
  const words = name.split('-');
  const pascal = words.map((word) => word[0].toUpperCase() + word.slice(1)).join('');
  const camel = pascal[0].toLowerCase() + pascal.slice(1);
  return {
    /** `pizza-orders`: namespace, folder, file prefix, URL segment, AsyncAPI channel. */
    name,
    /** `PizzaOrders`: class names. */
    pascal,
    /** `pizzaOrders`: helpers and variables. */
    camel,
    /** `PIZZA_ORDERS`: constants. */
    constant: words.join('_').toUpperCase(),
    /** The stored event its REST endpoint publishes. */
    updateEvent: `${name}.update`,
    /** Its command. */
    statusCommand: `${name}.status`,
  };
}
