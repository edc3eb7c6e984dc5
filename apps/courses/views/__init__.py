"""Pages of courses and learning on organization hosts (see urls.py): the learner's pages (learn), the
course and lesson editor (editor), enrollment management (enrollments) and categories and tags."""
