// The RDD editor autosave (filled in the next commit).
