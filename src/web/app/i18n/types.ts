/** A dictionary's shape with every leaf widened to string: what the other language must match key for key. */
export type Widen<T> = { [K in keyof T]: T[K] extends string ? string : Widen<T[K]> };
