/** What a binary row's buttons ask the binaries view to do. */
export type RowAction = 'resume' | 'markComplete' | 'reset' | 'sign' | 'destroy';
