// Campaign configuration, reports (JSON, JUnit): see issue 5.
