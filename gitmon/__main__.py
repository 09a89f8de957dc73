from gitmon.main import main

raise SystemExit(main())
