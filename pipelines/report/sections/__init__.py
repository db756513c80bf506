"""Report sections: each builds one part of the page, or nothing when its data is absent."""
